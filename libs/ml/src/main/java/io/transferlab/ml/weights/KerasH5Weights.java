package io.transferlab.ml.weights;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Keras' HDF5 weight files (what {@code model.save_weights} writes, and the {@code *_notop.h5} files
 * keras.applications downloads; full-model files keep the same layout under {@code model_weights}) with jHDF,
 * a pure-Java HDF5 reader: the root attribute {@code layer_names} lists the layers, each layer group's attribute
 * {@code weight_names} its arrays ({@code conv1_conv/kernel:0}, …), stored at {@code /layer/weight_name}.
 * Weights come back named {@code layer/kernel} etc., in Keras' layouts.
 */
public final class KerasH5Weights {

    private KerasH5Weights() {
    }

    public static Map<String, WeightTensor> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeightsException("no Keras weight file at " + file);
        }
        try (HdfFile hdf = new HdfFile(file)) {
            Group root = hdf.getChild("model_weights") instanceof Group g ? g : hdf;
            Attribute layerNames = root.getAttribute("layer_names");
            if (layerNames == null) {
                throw new WeightsException(file + " is HDF5 but not a Keras weight file (no 'layer_names' attribute)");
            }
            Map<String, WeightTensor> weights = new LinkedHashMap<>();
            for (String layer : strings(layerNames.getData())) {
                Node node = root.getChild(layer);
                if (!(node instanceof Group group)) {
                    throw new WeightsException(file + " lists layer '" + layer + "' but has no group for it");
                }
                Attribute weightNames = group.getAttribute("weight_names");
                if (weightNames == null) {
                    continue;
                }
                for (String weightName : strings(weightNames.getData())) {
                    Node data = group.getByPath(weightName);
                    if (!(data instanceof Dataset dataset)) {
                        throw new WeightsException(file + " lists weight '" + weightName + "' but holds no dataset for it");
                    }
                    String name = weightName.endsWith(":0") ? weightName.substring(0, weightName.length() - 2) : weightName;
                    weights.put(name, tensor(name, dataset));
                }
            }
            return weights;
        } catch (WeightsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WeightsException("cannot read Keras weights from " + file + ": " + e.getMessage(), e);
        }
    }

    private static WeightTensor tensor(String name, Dataset dataset) {
        int[] dims = dataset.getDimensions();
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[i];
        }
        Object flat = dataset.getDataFlat();
        float[] values;
        if (flat instanceof float[] f) {
            values = f;
        } else if (flat instanceof double[] d) {
            values = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (float) d[i];
            }
        } else {
            throw new WeightsException("weight " + name + " is stored as " + dataset.getJavaType() + ", not float");
        }
        return new WeightTensor(name, shape, values);
    }

    /** Keras writes names as fixed-length byte strings; jHDF may give Strings or byte arrays. */
    private static List<String> strings(Object data) {
        List<String> names = new ArrayList<>();
        if (data instanceof String s) {
            names.add(s);
            return names;
        }
        for (int i = 0; i < Array.getLength(data); i++) {
            Object item = Array.get(data, i);
            names.add(item instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8).trim() : String.valueOf(item).trim());
        }
        return names;
    }
}
